"""Development tools of the project (not the product, which is cs_tools): the demo-data generator and the
benchmark harness."""
