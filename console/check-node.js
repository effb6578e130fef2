// Stops `npm ci` / `npm run build` early with a clear message when Node.js is too old for Vite 6.
// Written in ES5 so that even a very old Node.js can run it and print the message.
var MIN_MAJOR = 18;
var major = Number(process.versions.node.split('.')[0]);
if (major < MIN_MAJOR) {
  console.error(
    '\ncitydata console: Node.js ' + MIN_MAJOR + ' or newer is needed to build the web console, ' +
      'but this is Node.js ' + process.versions.node + '.\n' +
      'Install Node.js 20 or newer (Debian 12: apt-get install nodejs gives 18, which also works), ' +
      'then run scripts/build.sh again.\n'
  );
  process.exit(1);
}
