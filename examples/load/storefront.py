# mypy: allow-subclassing-any, allow-untyped-decorators
"""Shoppers on the storefront, for `cx_load` (examples/test_shop_under_load.py): they list the
products through the API most of the time and sometimes open a product page and its price."""

from locust import HttpUser, constant, task


class Shopper(HttpUser):
    wait_time = constant(0.1)

    @task(4)
    def list_products(self) -> None:
        self.client.get("/api/products")

    @task(1)
    def open_a_product(self) -> None:
        self.client.get("/product/alpine-shell-jacket", name="/product/[slug]")
        self.client.get("/api/price/alpine-shell-jacket", name="/api/price/[slug]")
