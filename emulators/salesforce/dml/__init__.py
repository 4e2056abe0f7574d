"""The write rules: value coercion, lookup integrity, required and unique fields, inserts/updates/upserts, deletes."""
