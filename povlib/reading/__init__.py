"""Reading and checking the data: number notation, periods, indicator arithmetic, the tables
and their descriptor, the checks, the vocabulary, and extraction from articles."""
