"""Bulk API 2.0: ingest jobs (CSV uploads processed in 10,000-row internal batches) and query jobs."""
