"""Fixtures every test module shares: the sample book's path and one loaded book per session."""
from __future__ import annotations

import os

import pytest
from helpers import SAMPLE

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


@pytest.fixture(scope="session")
def sample() -> str:
    """The committed sample book (sample_data/sample_book.parquet)."""
    assert SAMPLE.exists(), "sample_data/sample_book.parquet is missing: run python -m monitor generate"
    return str(SAMPLE)


@pytest.fixture(scope="session")
def book(sample):
    """The sample book loaded once, cubes built; read-only use."""
    from monitor.book import open_book
    b = open_book(sample)
    yield b
    b.close()
