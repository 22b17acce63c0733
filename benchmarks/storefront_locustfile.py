"""Locust users for the storefront benchmark: each asks the product API as fast as it answers."""

from locust import FastHttpUser, constant, task


class ProductApiUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def products(self) -> None:
        self.client.get("/api/products", name="/api/products")
