import torch

# %% A tensor and a view of its first row
a = torch.zeros(2, 3)
row = a[0]

# %% Writing through the view
row.fill_(7.)
print(a)

# %% An in-place op on the whole tensor
a.add_(1.)
print(row)

# %% Out of place: a new storage
b = a * 2
print(b.data_ptr() == a.data_ptr())
