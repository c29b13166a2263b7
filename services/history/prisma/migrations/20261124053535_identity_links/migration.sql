-- DropIndex
DROP INDEX "customer_identities_kind_value_key";

-- CreateIndex
CREATE INDEX "customer_identities_kind_value_idx" ON "customer_identities"("kind", "value");

-- CreateIndex
CREATE UNIQUE INDEX "customer_identities_kind_value_customer_id_key" ON "customer_identities"("kind", "value", "customer_id");

