from . import components, controllers, models


PRICE_DIGITS = 4  # FreshBooks' unit costs come with up to four decimals (2.75 x 112.3456)


def post_init_hook(env):
    """Unit prices shown as FreshBooks states them: Odoo's "Product Price" precision
    raised to four decimals where it is lower (never lowered)."""
    precision = env.ref("product.decimal_price", raise_if_not_found=False)
    if precision and precision.digits < PRICE_DIGITS:
        precision.digits = PRICE_DIGITS
