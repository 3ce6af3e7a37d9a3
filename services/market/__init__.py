"""Market service: order contracts at floor prices, partner webhooks, direct supply, showcase windows, e-commerce points, cold chain."""
