// The canned-answer library agents search while chatting. A site's own library will come from the admin API; these
// are the defaults every desk starts with.
export interface CannedAnswer {
  title: string;
  text: string;
}

export const cannedAnswers: CannedAnswer[] = [
  { title: 'Greeting', text: 'Hello, thank you for contacting us. How can I help you today?' },
  { title: 'One moment', text: 'Thank you — one moment please while I check that for you.' },
  { title: 'Order number', text: 'Could you give me your order number, please? It starts with "PL-".' },
  { title: 'Delivery times', text: 'Orders placed before 2 pm on a working day are shipped the same day.' },
  { title: 'Returns', text: 'You can return any item within 30 days. I can send you a prepaid return label.' },
  {
    title: 'Escalation',
    text: 'I am passing this to a specialist colleague who will contact you within one working day.',
  },
  { title: 'Anything else', text: 'Is there anything else I can help you with?' },
  { title: 'Closing', text: 'Thank you for contacting us. Have a good day!' },
];

export function searchAnswers(query: string, answers = cannedAnswers): CannedAnswer[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return answers.filter((answer) => {
    const haystack = `${answer.title} ${answer.text}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
