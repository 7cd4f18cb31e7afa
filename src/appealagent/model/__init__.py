"""The data every stage shares: the seller's Case, the drafted letter, the letter kinds."""
