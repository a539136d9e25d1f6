// The page's script: no build step, no framework. The browser client comes from the gateway,
// whose address the page server put in <meta name="pyro-gateway">.
const gateway = document.querySelector('meta[name="pyro-gateway"]').content;
const { gatewayProxy, RemoteError } = await import(new URL("pyro/$client.js", gateway).href);
const thermostat = gatewayProxy(new URL("pyro", gateway).href, "http.thermostat");

const log = (line) => (document.querySelector("#log").textContent += `${line}\n`);
const show = (reading) => {
  document.querySelector("#room").textContent = reading.room;
  document.querySelector("#celsius").textContent = reading.celsius.toFixed(1);
  document.querySelector("#target").textContent = reading.target.toFixed(1);
};

async function setTarget(celsius) {
  try {
    log(`setTarget(${celsius}): ${await thermostat.setTarget(celsius)}`);
    const readings = [];
    for await (const c of thermostat.readings(5)) {
      readings.push(c.toFixed(1));
      document.querySelector("#celsius").textContent = c.toFixed(1);
    }
    log(`readings (streamed): ${readings.join(" ")}`);
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    log(`setTarget(${celsius}) raised ${error.remoteType}: ${error.message}`);
  }
  show(await thermostat.reading());
}

document.querySelector("#set").addEventListener("click", () => void setTarget(Number(document.querySelector("#new-target").value)));

show(await thermostat.reading());
log(`room: ${await thermostat.room}`);
await setTarget(23.5);
await setTarget(99);
document.body.dataset.done = "true";
