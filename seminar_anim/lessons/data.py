# %% An image
img = torch.zeros(5, 5)  # 5x5 black pixels  # [img]
img[1:4, 1:4] = 0.5  # [square]
img[2, 2] = 1.0  # a white centre  # [centre]
print(img.dtype, img.shape)  # [print_img]

# %% A sound
t = torch.arange(16) / 16  # 16 samples  # [t]
wave = torch.sin(2 * torch.pi * t)  # [wave]
print(wave.dtype, wave.shape)  # [print_wave]
print(wave[:4])  # [print_start]

# %% Text
vocab = ['fire', 'beautiful', 'wood',  # [vocab]
         'is', 'arrow', 'length',
         'today', 'computer', 'day']
words = 'today is a beautiful day'.split()  # [words]
hot = [w in words for w in vocab]  # [hot]
x = torch.tensor(hot, dtype=torch.float32)  # [x]
print(x)  # [print_x]

# %% An embedding
torch.manual_seed(0)  # [seed]
emb = torch.nn.Embedding(len(vocab), 3)  # [emb]
known = [w for w in words if w in vocab]  # [known]
ids = [vocab.index(w) for w in known]  # [ids]
print(ids)  # [print_ids]
e = emb(torch.tensor(ids))  # [e]
print(e.dtype, e.shape)  # [print_e]
