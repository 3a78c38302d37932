"""Products: recipes over the stages, each a set of documents plus a way to finish them."""

from __future__ import annotations

from booklet.products.booklet import Booklet
from booklet.products.context import Product
from booklet.products.handouts import Handouts
from booklet.products.proofs import Proofs

PRODUCTS: dict[str, Product] = {p.name: p for p in (Booklet(), Proofs(), Handouts())}
