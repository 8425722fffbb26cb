"""The self-healing sweeper: documents stuck in PENDING become FAILED or are re-enqueued."""
