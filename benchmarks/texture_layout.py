"""The measurement behind the texture layout: one float per texel (R32F) or four (RGBA32F)?
Times c = a + b over 2**20 elements, and a 256x256 matmul inner loop, both ways, in the same
page. Run: webtensor run benchmarks/texture_layout.py

Each timing ends with a one-texel readPixels, which returns only when the GPU is done.
"""
import time

import numpy as np

import js

N = 1 << 20
canvas = js.OffscreenCanvas.new(1, 1)
gl = canvas.getContext("webgl2")
assert gl.getExtension("EXT_color_buffer_float") is not None
gl.bindVertexArray(gl.createVertexArray())
fb = gl.createFramebuffer()
gl.bindFramebuffer(gl.FRAMEBUFFER, fb)
VERTEX = """#version 300 es
void main() { vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
              gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0); }"""


def program(body, out_type):
    p = gl.createProgram()
    for kind, src in ((gl.VERTEX_SHADER, VERTEX), (gl.FRAGMENT_SHADER, body)):
        s = gl.createShader(kind)
        gl.shaderSource(s, "#version 300 es\nprecision highp float;\nprecision highp int;\n"
                        f"uniform highp sampler2D A; uniform highp sampler2D B; out {out_type} o;\n"
                        + body if kind == gl.FRAGMENT_SHADER else src)
        gl.compileShader(s)
        assert gl.getShaderParameter(s, gl.COMPILE_STATUS), gl.getShaderInfoLog(s)
        gl.attachShader(p, s)
    gl.linkProgram(p)
    gl.useProgram(p)
    gl.uniform1i(gl.getUniformLocation(p, "A"), 0)
    gl.uniform1i(gl.getUniformLocation(p, "B"), 1)
    return p


def texture(fmt, w, h):
    t = gl.createTexture()
    gl.bindTexture(gl.TEXTURE_2D, t)
    gl.texStorage2D(gl.TEXTURE_2D, 1, fmt, w, h)
    for p in (gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER):
        gl.texParameteri(gl.TEXTURE_2D, p, gl.NEAREST)
    return t


def timed(out, w, h, reps=7):
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, out, 0)
    gl.viewport(0, 0, w, h)
    pixel = js.Float32Array.new(4)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        gl.drawArrays(gl.TRIANGLES, 0, 3)
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, pixel)
        times.append(time.perf_counter() - t0)
    return 1000 * float(np.median(times[1:]))


def run(fmt, per_texel, body, out_type, w, inputs_w, inputs_h):
    program(body, out_type)
    h = N // per_texel // w
    for unit in (0, 1):
        gl.activeTexture(gl.TEXTURE0 + unit)
        gl.bindTexture(gl.TEXTURE_2D, texture(fmt, inputs_w, inputs_h))
    gl.activeTexture(gl.TEXTURE0 + 2)
    return timed(texture(fmt, w, h), w, h)


ADD1 = "void main() { ivec2 p = ivec2(gl_FragCoord.xy); o = texelFetch(A, p, 0).r + texelFetch(B, p, 0).r; }"
ADD4 = "void main() { ivec2 p = ivec2(gl_FragCoord.xy); o = texelFetch(A, p, 0) + texelFetch(B, p, 0); }"
# a 256 x 256 x 256 matmul: one output per fragment and two fetches per multiply-add (R32F),
# or four outputs per fragment and five fetches per 16 multiply-adds (RGBA32F)
MM1 = """void main() { ivec2 p = ivec2(gl_FragCoord.xy); float acc = 0.0;
  for (int k = 0; k < 256; ++k) acc += texelFetch(A, ivec2(k, p.y), 0).r * texelFetch(B, ivec2(p.x, k), 0).r;
  o = acc; }"""
MM4 = """void main() { ivec2 p = ivec2(gl_FragCoord.xy); vec4 acc = vec4(0.0);
  for (int k = 0; k < 64; ++k) { vec4 a = texelFetch(A, ivec2(k, p.y), 0);
    acc += a.x * texelFetch(B, ivec2(p.x, 4 * k), 0) + a.y * texelFetch(B, ivec2(p.x, 4 * k + 1), 0)
         + a.z * texelFetch(B, ivec2(p.x, 4 * k + 2), 0) + a.w * texelFetch(B, ivec2(p.x, 4 * k + 3), 0); }
  o = acc; }"""

add1 = run(gl.R32F, 1, ADD1, "float", 1024, 1024, 1024)
add4 = run(gl.RGBA32F, 4, ADD4, "vec4", 512, 512, 512)
N = 256 * 256
mm1 = run(gl.R32F, 1, MM1, "float", 256, 256, 256)
mm4 = run(gl.RGBA32F, 4, MM4, "vec4", 64, 64, 256)
print(f"add of 2**20 floats: R32F {add1:.1f} ms, RGBA32F {add4:.1f} ms (x{add1 / add4:.1f})")
print(f"matmul 256:          R32F {mm1:.1f} ms, RGBA32F {mm4:.1f} ms (x{mm1 / mm4:.1f})")
print("renderer:", gl.getParameter(gl.getExtension("WEBGL_debug_renderer_info").UNMASKED_RENDERER_WEBGL))
