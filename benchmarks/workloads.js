// The TensorFlow.js side of benchmarks/workloads.py: each kind as the same sequence of ops,
// timed here in JS with performance.now() so that tfjs pays no Pyodide crossing. A run returns
// the output tensor, a list of them (graph models), or (the layers fits) a Promise of the values,
// already read back. A kind that loads a model returns a Promise of its state.
(() => {
  const KINDS = {
    matmul: ({ a, b }, { n }) => {
      const A = tf.tensor2d(a, [n, n]), B = tf.tensor2d(b, [n, n]);
      return { keep: [A, B], run: () => tf.matMul(A, B) };
    },
    add_chain: (_, { n, cpu_forward = true }) => {
      const x0 = tf.scalar(0), one = tf.scalar(1);
      const chain = () => { let y = x0; for (let i = 0; i < n; i++) y = tf.add(y, one); return y; };
      const run = () => {
        const saved = tf.env().getBool("WEBGL_CPU_FORWARD");
        tf.env().set("WEBGL_CPU_FORWARD", cpu_forward);
        try { return tf.tidy(chain); } finally { tf.env().set("WEBGL_CPU_FORWARD", saved); }
      };
      return { keep: [x0, one], run };
    },
    sqdiff_mean: ({ a, b }) => {
      const A = tf.tensor1d(a), B = tf.tensor1d(b);
      return { keep: [A, B], run: () => tf.tidy(() => tf.mean(tf.square(tf.sub(A, B)))) };
    },
    conv2d: ({ x, f }, { hw, c, oc, k = 3, depthwise = false }) => {
      const X = tf.tensor4d(x, [1, hw, hw, c]), F = tf.tensor4d(f, [k, k, c, depthwise ? 1 : oc]);
      const conv = depthwise ? tf.depthwiseConv2d : tf.conv2d;
      return { keep: [X, F], run: () => conv(X, F, 1, "same") };
    },
    softmax: ({ x }, { rows, cols }) => {
      const X = tf.tensor2d(x, [rows, cols]);
      return { keep: [X], run: () => tf.softmax(X) };
    },
    mlp_step: ({ x, y, w1, b1, w2, b2 }, { batch, sizes: [nIn, nHidden, nOut], lr, epsilon }) => {
      const X = tf.tensor2d(x, [batch, nIn]), Y = tf.tensor2d(y, [batch, nOut]);
      const W1 = tf.variable(tf.tensor2d(w1, [nIn, nHidden])), B1 = tf.variable(tf.tensor1d(b1));
      const W2 = tf.variable(tf.tensor2d(w2, [nHidden, nOut])), B2 = tf.variable(tf.tensor1d(b2));
      const opt = tf.train.adam(lr, 0.9, 0.999, epsilon);
      const loss = () => {
        const hidden = tf.relu(tf.add(tf.matMul(X, W1), B1));
        return tf.losses.softmaxCrossEntropy(Y, tf.add(tf.matMul(hidden, W2), B2));
      };
      return { keep: [X, Y, W1, B1, W2, B2, opt], run: () => opt.minimize(loss, true) };
    },
    layers_fit: (arrays, p) => {
      const { model, X, Y } = layersModel(arrays, p);
      const opt = tf.train.adam(p.lr, 0.9, 0.999, p.epsilon);
      model.compile({ optimizer: opt, loss: "categoricalCrossentropy" });
      const run = async () => {
        const h = await model.fit(X, Y, { epochs: 1, batchSize: p.batch, shuffle: false, verbose: 0 });
        return Float32Array.from(h.history.loss);  // numbers: fit has already read them back
      };
      return { keep: [model, X, Y, opt], run };
    },
    layers_predict: async (arrays, p) => {
      const { model, X, Y } = p.saved ? await loadedModel(arrays, p) : layersModel(arrays, p);
      return { keep: [model, X, Y], run: () => model.predict(X, { batchSize: p.samples }) };
    },
    graph_model: async ({ x }, { url, shape, dtype }) => {
      const model = await tf.loadGraphModel(url);
      const X = tf.tensor(x, shape, dtype);
      return { keep: [model, X], run: () => model.predict(X) };
    },
    // one video frame through a model (workloads.py: _frame_model), in one tidy
    frame_model: async (_, { frame: spec, url, size, dtype }) => {
      const model = await tf.loadGraphModel(url);
      const canvas = frame(spec);
      const run = () => tf.tidy(() => {
        const x = tf.image.resizeBilinear(tf.expandDims(tf.browser.fromPixels(canvas), 0), size);
        return model.predict(dtype === "int32" ? tf.cast(x, "int32") : tf.sub(tf.div(x, 127.5), 1));
      });
      return { keep: [model], run };
    },
    transfer: ({ a }) => ({
      keep: [],
      run: () => {
        const t = tf.tensor1d(a);  // tfjs keeps new values on the CPU until first use:
        tf.backend().uploadToGPU(t.dataId);  // upload now, as webtensor's side does
        return t;
      },
    }),
  };

  // The sequential models of workloads.py's _layers_model, weights set from its arrays.
  function layersModel(arrays, p) {
    let layers, xShape;
    if (p.arch === "mlp") {
      const [nIn, nHidden, nOut] = p.sizes;
      layers = [tf.layers.dense({ units: nHidden, activation: "relu", inputShape: [nIn] }),
                tf.layers.dense({ units: nOut, activation: "softmax" })];
      xShape = [p.samples, nIn];
    } else {
      layers = p.filters.flatMap((filters, i) => [
        tf.layers.conv2d({ filters, kernelSize: p.kernel, activation: "relu",
                           ...(i === 0 ? { inputShape: [p.hw, p.hw, 1] } : {}) }),
        tf.layers.maxPooling2d({ poolSize: p.pool })]);
      layers.push(tf.layers.flatten(), tf.layers.dense({ units: p.classes, activation: "softmax" }));
      xShape = [p.samples, p.hw, p.hw, 1];
    }
    const model = tf.sequential({ layers });
    const values = model.weights.map((w, i) => tf.tensor(arrays[p.weights[i]], w.shape));
    model.setWeights(values);  // the variables take copies
    values.forEach((t) => t.dispose());
    return { model, ...data(arrays, p, xShape) };
  }

  function data(arrays, p, xShape) {
    const X = tf.tensor(arrays.x, xShape);
    const Y = tf.tensor(arrays.y, [p.samples, arrays.y.length / p.samples]);
    return { X, Y };
  }

  // The model wtBench.save_model saved to p.saved, loaded on the current backend.
  async function loadedModel(arrays, p) {
    const model = await tf.loadLayersModel(p.saved);
    return { model, ...data(arrays, p, [p.samples, ...model.inputs[0].shape.slice(1)]) };
  }

  // The stand-in for a video frame (workloads.py: FRAME): a canvas, drawn once per page for each
  // spec. The picture is drawn one pixel per block (a sky, a standing figure), then each pixel
  // is repeated over a block of bh x bw, the blocks shifted up by dy and left by dx; opaque.
  const frames = new Map();

  function frame(spec) {
    const key = JSON.stringify(typeof spec === "string" ? JSON.parse(spec) : spec);
    if (!frames.has(key)) frames.set(key, drawFrame(JSON.parse(key)));
    return frames.get(key);
  }

  function drawFrame({ width, height, block: [bh, bw], offset: [dy, dx] }) {
    const cols = Math.floor((width - 1 + dx) / bw) + 1, rows = Math.floor((height - 1 + dy) / bh) + 1;
    const small = document.createElement("canvas");
    [small.width, small.height] = [cols, rows];
    const g = small.getContext("2d");
    const sky = g.createLinearGradient(0, 0, cols, rows);
    sky.addColorStop(0, "#3d6fb6");
    sky.addColorStop(1, "#e4d2a8");
    g.fillStyle = sky;
    g.fillRect(0, 0, cols, rows);
    g.fillStyle = "#e8b48f";  // head
    g.beginPath();
    g.ellipse(cols * 0.5, rows * 0.2, cols * 0.06, rows * 0.06, 0, 0, 2 * Math.PI);
    g.fill();
    g.strokeStyle = "#2b3a67";  // body, arms, legs
    g.lineCap = "round";
    g.lineWidth = cols * 0.05;
    for (const [x0, y0, x1, y1] of [[0.5, 0.27, 0.5, 0.6], [0.5, 0.33, 0.34, 0.5], [0.5, 0.33, 0.66, 0.5],
                                    [0.5, 0.6, 0.42, 0.88], [0.5, 0.6, 0.58, 0.88]]) {
      g.beginPath();
      g.moveTo(x0 * cols, y0 * rows);
      g.lineTo(x1 * cols, y1 * rows);
      g.stroke();
    }
    const src = g.getImageData(0, 0, cols, rows).data, img = new ImageData(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const s = (Math.floor((y + dy) / bh) * cols + Math.floor((x + dx) / bw)) * 4, d = (y * width + x) * 4;
        img.data.set(src.subarray(s, s + 3), d);
        img.data[d + 3] = 255;
      }
    }
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [width, height];
    canvas.getContext("2d").putImageData(img, 0, 0);
    return canvas;
  }

  const states = new Map();
  let next = 0;

  async function use(backend) {
    if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) {
      throw new Error(`tfjs: backend ${backend} failed to start`);
    }
  }

  window.wtBench = {
    // The first setBackend of a backend initializes it: timed, for the cold-start figures.
    async init(backend) {
      const t0 = performance.now();
      await use(backend);
      await tf.ready();
      return performance.now() - t0;
    },
    info: () => JSON.stringify({ version: tf.version.tfjs, backends: Object.keys(tf.engine().registryFactory),
                                 webgl_version: tf.env().getNumber("WEBGL_VERSION"),
                                 webgl_packed: tf.env().getBool("WEBGL_PACK"),
                                 webgl_float32: tf.env().getBool("WEBGL_RENDER_FLOAT32_ENABLED") }),
    async prepare(backend, kind, params, inputs, read) {
      await use(backend);
      states.set(++next, { backend, read, ...(await KINDS[kind](inputs, JSON.parse(params))) });
      return next;
    },
    // Once per workload that loads a saved layers model: built here (cpu) from its weights and
    // saved to params.saved, which every contender then loads.
    async save_model(params, inputs) {
      const p = JSON.parse(params);
      await use("cpu");
      const { model, X, Y } = layersModel(inputs, p);
      try { await model.save(p.saved); } finally { [model, X, Y].forEach((t) => t.dispose()); }
    },
    // One timed run: the ops and a read of the output (dataSync, or await data() for "async"
    // workloads), so the GPU's work is finished when the clock stops.
    async time(id, keepValues) {
      const s = states.get(id);
      await use(s.backend);
      const t0 = performance.now();
      const out = s.run();
      if (out instanceof Promise) {  // a fit: awaited, resolves to numbers already read back
        const values = await out;
        return { ms: performance.now() - t0, values: keepValues ? values : null };
      }
      const outs = Array.isArray(out) ? out : [out];  // a graph model's outputs: each read back
      const values = [];
      for (const o of outs) values.push(s.read === "async" ? await o.data() : o.dataSync());
      const ms = performance.now() - t0;
      outs.forEach((o) => o.dispose());
      return { ms, values: keepValues ? (Array.isArray(out) ? values : values[0]) : null };
    },
    dispose(id) {
      const s = states.get(id);
      states.delete(id);
      for (const k of s.keep) k.dispose();
    },
    numTensors: () => tf.memory().numTensors,
    frame,  // for workloads.py: the same canvas on both sides
  };
})();
