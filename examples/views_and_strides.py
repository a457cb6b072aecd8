import torch

# %% One storage
a = torch.arange(6.)
print(a)

# %% A view: same cells, new shape
b = a.view(2, 3)
print(b.stride())

# %% Transposed: strides swap
t = b.t()
print(t.stride(), t.is_contiguous())

# %% A slice with a step
s = a[::2]
print(s, s.stride())

# %% contiguous() copies
c = t.contiguous()
print(c.data_ptr() == a.data_ptr())
