"""Language-model providers: embeddings, the chat tool loop, the offline answerer."""
