"""Helper tools for the merchant customer-service assessment project (demo-data generator, ...)."""
