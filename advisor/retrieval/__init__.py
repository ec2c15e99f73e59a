"""Finding the passages that answer a question: vector index, keywords, fusion."""
