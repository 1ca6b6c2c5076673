"""Test harness for Kindred's Python side: the repository's paths, the jar, and a real Spark standalone cluster."""
