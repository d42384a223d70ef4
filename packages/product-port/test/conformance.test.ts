// The suite on the example adapter: a correct adapter built from the kit passes every case.
import { describeProductConformance } from '../src/testing/index.js';
import { exampleFixture } from './example-fixture.js';

describeProductConformance(exampleFixture);
