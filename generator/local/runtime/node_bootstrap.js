// The runner in a Node.js function's process: load the handler, call it once, write the outcome.
//
// Run by the emulator as `node --max-old-space-size=MB node_bootstrap.js RESULT_FILE` in the
// version's unpacked code (LAMBDA_TASK_ROOT), with the function's environment only. It reads one
// JSON request from stdin (`event`: the payload's text; `context`: the fields of Lambda's context
// object) and writes to RESULT_FILE one JSON object: {"payload": TEXT} or {"error": {...}}
// (Lambda's Node.js error shape: errorType, errorMessage, trace), with duration_ms and
// max_memory_mb. What the handler logs goes to stdout and stderr: the emulator keeps it as the
// run's log. Node's own modules only.
"use strict";

const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");

function failure(error) {
  const trace = error && typeof error.stack === "string" ? error.stack.split("\n") : [];
  const kind = error && error.name ? error.name : "Error";
  return { errorType: kind, errorMessage: error && error.message !== undefined ? String(error.message) : String(error), trace };
}

async function load(handlerName, taskRoot) {
  const dot = handlerName.lastIndexOf(".");
  if (dot <= 0) {
    throw Object.assign(new Error(`Bad handler ${handlerName}`), { name: "Runtime.MalformedHandlerName" });
  }
  const modulePath = path.resolve(taskRoot, handlerName.slice(0, dot));
  const exported = handlerName.slice(dot + 1);
  let module;
  for (const extension of [".js", ".mjs", ".cjs"]) {
    if (fs.existsSync(modulePath + extension)) {
      module = await import(pathToFileURL(modulePath + extension).href);
      break;
    }
  }
  if (module === undefined) {
    throw Object.assign(new Error(`Cannot find module '${path.basename(modulePath)}'`),
      { name: "Runtime.ImportModuleError" });
  }
  const handler = module[exported] !== undefined ? module[exported] : (module.default || {})[exported];
  if (typeof handler !== "function") {
    throw Object.assign(new Error(`${handlerName} is undefined or not exported`), { name: "Runtime.HandlerNotFound" });
  }
  return handler;
}

function context(fields) {
  return {
    functionName: fields.function_name,
    functionVersion: fields.function_version,
    invokedFunctionArn: fields.invoked_function_arn,
    memoryLimitInMB: String(fields.memory_limit_in_mb),
    awsRequestId: fields.aws_request_id,
    logGroupName: fields.log_group_name,
    logStreamName: fields.log_stream_name,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(fields.deadline_ms - Date.now())),
  };
}

// A handler answers by its promise, or (with three parameters) by its callback.
function call(handler, event, ctx) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, ctx, callback);
      if (returned && typeof returned.then === "function") {
        returned.then(resolve, reject);
      } else if (handler.length < 3) {
        resolve(returned);
      }
    } catch (error) {
      reject(error);
    }
  });
}

async function run(request) {
  const fields = request.context;
  let handler;
  try {
    handler = await load(process.env._HANDLER || "", process.env.LAMBDA_TASK_ROOT);
  } catch (error) {
    console.error(`ERROR\t${error.name}: ${error.message}`);
    return { error: failure(error) };
  }
  try {
    const result = await call(handler, JSON.parse(request.event), context(fields));
    return { payload: result === undefined ? "null" : JSON.stringify(result) };
  } catch (error) {
    console.error(`${new Date().toISOString()}\t${fields.aws_request_id}\tERROR\tInvoke Error \t${JSON.stringify(failure(error))}`);
    return { error: failure(error) };
  }
}

async function main() {
  const resultFile = process.argv[2];
  process.chdir(process.env.LAMBDA_TASK_ROOT);
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const started = process.hrtime.bigint();
  const outcome = await run(request);
  outcome.duration_ms = Number(process.hrtime.bigint() - started) / 1e6;
  outcome.max_memory_mb = Math.floor(process.resourceUsage().maxRSS / 1024);
  fs.writeFileSync(resultFile, JSON.stringify(outcome));
  process.exit(0);  // as Lambda freezes the process after the answer: timers left behind do not run
}

main();
