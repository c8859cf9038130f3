import { Inject, Injectable } from '@nestjs/common';
import { RANDOM_SOURCE, type RandomSource } from '@shiming/integrations';
import { PersonalData } from './personal-data';

/** SMS verification codes: six random digits, of which events keep only a keyed hash. */
@Injectable()
export class SmsCodes {
  constructor(
    @Inject(RANDOM_SOURCE) private readonly random: RandomSource,
    private readonly personalData: PersonalData,
  ) {}

  generate(): { code: string; codeHash: string } {
    const code = String(this.random.int(0, 1_000_000)).padStart(6, '0');
    return { code, codeHash: this.personalData.smsCodeHash(code) };
  }
}
