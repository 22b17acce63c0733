# mypy: allow-subclassing-any, allow-untyped-decorators
"""Locust users for cxcheck's load tests: browse the demo storefront's product API.

Two endpoints that answer and one that always 404s (a missing order), so every run has
per-endpoint rows and some failures to count. Short waits keep a loaded CI machine responsive.
"""

from locust import FastHttpUser, constant, task


class Shopper(FastHttpUser):
    wait_time = constant(0.05)

    @task(4)
    def products(self) -> None:
        self.client.get("/api/products")

    @task(2)
    def product(self) -> None:
        self.client.get("/api/products/trail-runner-shoes", name="/api/products/[slug]")

    @task(1)
    def missing_order(self) -> None:
        self.client.get("/api/orders/no-such-order", name="/api/orders/[id]")
