# %% The slide: one tensor, two more made from it
a = torch.tensor([1, 2, 3, 4])  # [a]
b = a[1]  # same storage  # [b]
c = a.reshape([2, 2])  # new stride  # [c]
print(a.storage())  # [print_a]
print(c.storage())  # [print_c]
print(a.data_ptr() == c.data_ptr())  # [same]
print(c.stride())  # [stride]

# %% Transpose and contiguous()
t = c.t()  # transpose: strides swap  # [t]
print(t.stride(), t.is_contiguous())  # [t_facts]
d = t.contiguous()  # a new storage  # [d]
print(d.data_ptr() == a.data_ptr())  # [d_same]
