// A whole stack (six services) can take more than the default minute to start on a loaded 2-core machine.
jest.setTimeout(180_000);
