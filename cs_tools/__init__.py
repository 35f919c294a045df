"""The product of the merchant customer-service assessment project: the publish step for BI and the summary printer
(development tools such as the demo-data generator and the benchmark harness are in cs_devtools)."""
