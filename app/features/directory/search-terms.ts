/**
 * Everyday words a patient types and the clinical words doctors' specialties and departments use, in both
 * languages: "发烧" finds the doctors for 发热, "rash" the dermatologists. Each entry: the words people
 * type → what they should also match.
 */
const EVERYDAY_WORDS: [string[], string[]][] = [
  [["发烧", "高烧", "低烧", "体温高"], ["发热"]],
  [["fever", "temperature", "high temperature"], ["fever", "发热"]],
  [["胸痛", "胸口痛", "胸闷", "心慌", "心悸", "心跳快"], ["心血管", "冠心病", "心律失常"]],
  [["chest pain", "chest tightness", "palpitations", "heart racing"], ["cardiology", "coronary", "arrhythmia"]],
  [["失眠", "睡不着", "睡不好", "多梦"], ["睡眠", "焦虑"]],
  [["insomnia", "can't sleep", "cannot sleep", "sleepless"], ["sleep", "anxiety"]],
  [["皮疹", "出疹", "疹子", "起疹子", "痒", "瘙痒", "长痘", "痘痘"], ["皮肤", "湿疹", "荨麻疹", "痤疮"]],
  [["rash", "itch", "itchy", "itching", "spots", "pimples", "skin"], ["dermatology", "eczema", "urticaria", "acne"]],
  [["孩子", "小孩", "宝宝", "婴儿", "儿童"], ["儿科", "小儿", "儿童"]],
  [["child", "children", "kid", "kids", "baby", "infant"], ["paediatrics", "children", "child"]],
  [["血压高", "高压", "头晕"], ["高血压"]],
  [["high blood pressure", "blood pressure"], ["hypertension"]],
  [["喘", "气短", "喘不上气", "呼吸困难", "咳痰"], ["哮喘", "慢阻肺", "呼吸", "咳嗽"]],
  [["short of breath", "shortness of breath", "breathless", "wheeze", "wheezing"], ["asthma", "copd", "respiratory"]],
  [["心情不好", "情绪低落", "压力大", "紧张", "烦躁"], ["抑郁", "焦虑", "压力"]],
  [["low mood", "depressed", "stressed", "stress", "worried", "nervous"], ["depression", "anxiety", "stress"]],
  [["感冒", "流鼻涕", "嗓子疼"], ["流感", "发热咳嗽"]],
  [["cold", "flu", "sore throat"], ["influenza", "fever and cough"]],
];

/** The words a directory search looks for: what was typed, and the clinical words its everyday words stand for. */
export function searchTerms(query: string): string[] {
  const typed = query.trim().toLowerCase();
  if (!typed) return [];
  const terms = new Set([typed]);
  for (const [everyday, clinical] of EVERYDAY_WORDS) {
    // Someone who already typed the clinical word (哮喘 holds 喘) is searching for exactly that.
    if (clinical.some((word) => contains(typed, word))) continue;
    if (everyday.some((word) => contains(typed, word))) for (const word of clinical) terms.add(word);
  }
  return [...terms];
}

/** Chinese words anywhere in the text; English ones as whole words ("kid" is not in "kidney"). */
function contains(text: string, word: string): boolean {
  if (!/^[\x20-\x7e]+$/.test(word)) return text.includes(word);
  return new RegExp(`(^|[^a-z])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z])`).test(text);
}
