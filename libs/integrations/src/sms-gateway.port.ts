export interface SentSms {
  messageId: string;
}

/** Sends a text message. The mobile number is personal data: never log it. */
export interface SmsGateway {
  send(mobile: string, text: string): Promise<SentSms>;
}

export const SMS_GATEWAY = Symbol('SmsGateway');
