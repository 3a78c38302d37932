"""Products: recipes over the stages, each a set of documents plus a way to finish them."""

from __future__ import annotations

from booklet.products.booklet import Booklet
from booklet.products.context import Product
from booklet.products.handouts import Handouts
from booklet.products.html import Page
from booklet.products.ics import Calendar
from booklet.products.print import Print
from booklet.products.proofs import Proofs
from booklet.products.schedule import Schedule
from booklet.products.slides import Slides

PRODUCTS: dict[str, Product] = {
    p.name: p for p in (Booklet(), Proofs(), Handouts(), Slides(), Calendar(), Schedule(), Page(),
                        Print())
}
