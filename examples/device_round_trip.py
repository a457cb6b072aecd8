import torch

# %% A tensor in CPU memory
cpu_tensor = torch.arange(4.)
print(cpu_tensor.device)

# %% A copy on the GPU
gpu_tensor = cpu_tensor.to('cuda')
print(gpu_tensor.device)

# %% Computed on the GPU, copied back
doubled = (gpu_tensor * 2).cpu()
print(doubled, doubled.device)

# %% One device per operation
cpu_tensor + gpu_tensor
