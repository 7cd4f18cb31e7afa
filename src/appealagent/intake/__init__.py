"""Reading Amazon's notice: decode, find the tables and headers, classify, extract, assemble a partial Case."""
