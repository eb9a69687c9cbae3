"""The symattn pytest plugin for these tests, registered once even when the entry point already did."""

from symattn.testing.plugin import register


def pytest_configure(config):
    register(config)
