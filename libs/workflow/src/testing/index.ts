export { DecisionRecorder, type Observation } from './decision-recorder';
