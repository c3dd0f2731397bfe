"""Real, valid resident ID numbers for tests (computed: the check character is right)."""


def with_check(first17):
    """Return the 17 digits followed by their GB 11643 (ISO 7064 MOD 11-2) check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


ID = with_check("11010519491231002")  # 11010519491231002X: the standard's example
ID2 = with_check("44030619900307123")
