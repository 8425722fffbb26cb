"""DocumentStore: the KMS key, the documents bucket, the ingest queues, the table, backups.

`component.py` is the Pulumi component (`from components.document_store.component import
DocumentStore`); `key.py`, `bucket.py`, `queues.py`, `table.py` and `backups.py` each
declare one group of its resources; `definitions.py` holds the settings the local stack and
the tests create in moto too. This file imports nothing, so the local stack reads those
definitions without loading Pulumi.
"""
