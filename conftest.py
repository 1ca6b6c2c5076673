# Shared fixtures for the Python tests (tests/cluster, airflow-dags/tests): see tests/pylib/kindred_harness.
pytest_plugins = ["kindred_harness.fixtures"]
