-- DropTable
DROP TABLE "segment_marks";

