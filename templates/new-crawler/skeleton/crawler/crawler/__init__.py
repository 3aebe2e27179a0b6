"""${{ values.name }}: a crawler of the Crawler Platform."""
