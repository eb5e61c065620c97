"""Order parsing: the one place that raises the same error kind with different values."""


class InvalidOrder(ValueError):
    pass


class CheckoutFailed(RuntimeError):
    pass


def parse_order(order_id):
    if order_id > 0:
        raise InvalidOrder(f"invalid order {order_id}")
    return order_id


def order_service(order_id):
    return parse_order(order_id)


def checkout(order_id):
    try:
        parse_order(order_id)
    except InvalidOrder as error:
        raise CheckoutFailed(f"checkout of order {order_id} failed") from error


def reserve_inventory(sku):
    stock = {"sku-1": 3}
    return stock[sku]
