import torch

m = torch.arange(6).reshape(2, 3)
t = m.t()
c = t.contiguous()
print(c.stride(), c.data_ptr() == m.data_ptr(), t.data_ptr() == m.data_ptr())
