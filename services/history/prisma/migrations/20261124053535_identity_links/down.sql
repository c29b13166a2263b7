-- DropIndex
DROP INDEX "customer_identities_kind_value_idx";

-- DropIndex
DROP INDEX "customer_identities_kind_value_customer_id_key";

-- CreateIndex
CREATE UNIQUE INDEX "customer_identities_kind_value_key" ON "customer_identities"("kind", "value");

