"""The repository's own test assertions as memory: a retriever and the prompt that shows what it found."""
