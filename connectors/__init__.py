"""Platform connectors, each registered under the `sitewatch.connectors` entry-point group."""
