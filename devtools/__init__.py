"""Developer tools, not shipped: the `make run` supervisor, embedded servers, kissim, the OpenSearch test node."""
