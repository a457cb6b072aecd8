# %% Bytes per element
for dt in [torch.float32,  # [loop]
           torch.float64,
           torch.int8,
           torch.uint8,
           torch.bool]:
    one = torch.zeros(1, dtype=dt)  # [one]
    print(one.dtype, one.element_size())  # [print_size]
x = torch.tensor([0, 1], dtype=torch.double)  # [x]
print(x.type(torch.uint8))  # [print_x]

# %% Conversions
y = torch.tensor([2.7, -1.5, 3.9])  # [y]
print(y.int())  # drops the fraction  # [print_y]
w = torch.tensor([255, 256, 257], dtype=torch.int16)  # [w]
w_bytes = w.view(torch.uint8)  # two bytes each  # [w_bytes]
print(w.to(torch.uint8))  # keeps the low byte  # [print_w]
n = torch.tensor([1, 5, 2, 4], dtype=torch.int8)  # [n]
mask = n > 2  # [mask]
print(mask)  # [print_mask]
print(n[mask])  # a new tensor  # [print_selected]
