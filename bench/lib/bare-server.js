// Bench child: the baseline, a bare Node http.createServer answering 204 on loopback.
const http = require('node:http');

const server = http.createServer((_req, res) => {
  res.writeHead(204);
  res.end();
});
server.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => process.send({ ready: true, port: Number(process.env.BENCH_PORT) }));
// CPU time used so far, so the bench can work out CPU per request.
process.on('message', (msg) => msg.cmd === 'cpu' && process.send({ id: msg.id, result: process.cpuUsage() }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
