import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The files are mostly waiting on child processes and sockets, so two run side by side even on two cores.
export default mergeConfig(shared, defineConfig({ test: { maxWorkers: 2 } }));
