// Module worker: the same boot and run as the page, driven by messages from runner.mjs.
import { boot } from "./boot.mjs";

let session;
const out = (stream, text) => postMessage({ kind: "out", stream, text });

onmessage = async ({ data }) => {
  try {
    if (data.kind === "boot") {
      session = await boot({ ...data.opts, out });
      postMessage({ kind: "reply", id: data.id, value: session.info });
    } else {
      postMessage({ kind: "reply", id: data.id, value: await session.run(data.args) });
    }
  } catch (e) {
    postMessage({ kind: "reply", id: data.id, error: String(e && e.stack || e) });
  }
};
